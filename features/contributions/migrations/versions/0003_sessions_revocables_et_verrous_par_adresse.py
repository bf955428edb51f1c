"""sessions révocables et verrous par adresse

La génération de chaque compte (déconnexion, nouveau mot de passe, verrou), le verrou posé en ligne de commande, et
les échecs de connexion comptés par nom et par adresse.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('moderateurs') as batch:
        batch.add_column(sa.Column('generation', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True))
        batch.drop_column('failed_logins')  # the failures are counted per name and address now
        batch.drop_column('locked_until')
    op.create_table('echecs_connexion',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('name_key', sa.String(length=64), nullable=False),
                    sa.Column('address_key', sa.String(length=64), nullable=False),
                    sa.Column('moderator_id', sa.Integer(), nullable=True),
                    sa.Column('failures', sa.Integer(), nullable=False),
                    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
                    sa.ForeignKeyConstraint(['moderator_id'], ['moderateurs.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('name_key', 'address_key'))
    with op.batch_alter_table('echecs_connexion') as batch:
        batch.create_index(batch.f('ix_echecs_connexion_name_key'), ['name_key'], unique=False)
        batch.create_index(batch.f('ix_echecs_connexion_moderator_id'), ['moderator_id'], unique=False)


def downgrade() -> None:
    op.drop_table('echecs_connexion')
    with op.batch_alter_table('moderateurs') as batch:
        batch.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch.drop_column('locked_at')
        batch.drop_column('generation')
