"""The spaCy pipeline that turns text into units and relations."""
