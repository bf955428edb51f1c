"""One reader per format; `read_table` picks the right one for a catalogue entry."""
