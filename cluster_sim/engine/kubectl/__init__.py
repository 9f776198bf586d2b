"""kubectl: argument parsing, commands and printers, with kubectl's output and wording."""
