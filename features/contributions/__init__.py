"""Citizens' contributions (an error reported, a dataset wished for, a reuse shown) and their moderation, in a
real database: SQLite under DATA_DIR by default, PostgreSQL through DATABASE_URL. One schema (models.py), managed
with Alembic (migrations/); nothing is public until a moderator approves it, and every moderation act is logged."""
