"""The demo project: real photos from scikit-image, short texts on four topics, schemas and tasks."""
