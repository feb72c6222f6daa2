"""The argument graph: well-formedness decoding and analysis."""
