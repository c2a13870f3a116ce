"""Imports: annotations from COCO, YOLO and Groundwork JSON Lines, written in the background with a report."""
