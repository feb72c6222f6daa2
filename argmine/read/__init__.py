"""Reading input: decoding bytes into text and finding its layout (paragraphs, metadata lines)."""

from argmine.read.layout import ParagraphIndex, metadata_spans, paragraph_spans

__all__ = ["ParagraphIndex", "metadata_spans", "paragraph_spans"]
