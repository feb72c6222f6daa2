"""Training the argmine pipeline from the annotated corpora."""
