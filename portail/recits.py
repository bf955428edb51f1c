"""`python -m portail recits verifier`: every broken block of DATA_DIR's stories, « file:line : reason ». The blocks
are drawn by the pages' own code, in a request's context of the app: this command builds the app, so it lives in
the web layer, not beside the stories' reader (features/recits/data.py)."""
from __future__ import annotations

import argparse
import logging
import os
import sys

from components.portal import current_portal
from config import ConfigError, load_settings
from factory import create_app
from features.recits.data import load_stories
from features.recits.draw_blocs import broken_blocks


def main(argv: list[str] | None = None) -> int:
    """`python -m portail recits verifier`: every broken block of DATA_DIR's stories, « file:line : reason »;
    exit 1 when there is one, 2 when the configuration is wrong."""
    parser_ = argparse.ArgumentParser(prog="python -m portail recits",
                                      description="Vérifie les récits de DATA_DIR/recits (blocs vivants).")
    parser_.add_argument("command", choices=["verifier", "check"], help="verifier (ou check) : nomme chaque bloc "
                                                                        "cassé, avec son fichier et sa ligne")
    parser_.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    try:
        settings = load_settings(os.environ)
    except ConfigError as exc:
        print(f"Configuration : {exc}", file=sys.stderr)
        return 2
    app = create_app(settings)
    # a request's context, as for a page: the blocks are drawn by the pages' own code
    with app.server.test_request_context("/recits"):
        stories = load_stories(settings.data_dir)
        broken = broken_blocks(current_portal().repository, stories)
    for line in broken:
        print(line)
    blocks = sum(len(s.blocks) for s in stories.stories)
    print(f"{len(stories.stories)} récit(s), {blocks} bloc(s) vivant(s), {len(broken)} problème(s)", file=sys.stderr)
    return 1 if broken else 0
