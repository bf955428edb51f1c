"""image des réutilisations : l'adresse d'une image (capture d'écran), décrite par image_alt

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 05:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contributions') as batch:
        batch.add_column(sa.Column('image_url', sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('contributions') as batch:
        batch.drop_column('image_url')
