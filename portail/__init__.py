"""The portal's one command line: `python -m portail <commande>` (see __main__)."""
