"""Query language over files (docs/query.md).

Use ``backend.query.service.compile_query(session, project_id, text)`` to turn a query into one
SQLAlchemy condition over ``File``; ``files_select`` gives the full SELECT. The per-file label
counts the ``labels.`` fields read are kept by ``backend.query.counts.apply`` in every annotation
write's transaction.
"""
