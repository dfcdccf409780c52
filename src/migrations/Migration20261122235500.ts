import { Migration } from '@mikro-orm/migrations';

/**
 * NOTIFY `tokengate_auth` on every change that can affect authentication, so that each server process clears
 * its token cache (src/auth/auth-cache.ts), whoever made the change: this server, another process, the CLI or a
 * person at psql. Writes of `last_used_at` and `last_login` alone are left out: they happen all the time (every
 * request, every login) and change nothing a token check depends on.
 */
export class Migration20261122235500 extends Migration {
  override async up(): Promise<void> {
    this
      .addSql(`create or replace function tokengate_notify_auth_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('tokengate_auth', '');
  return null;
end;
$$;`);
    this.addSql(`create trigger users_auth_change after update on "users"
  for each row when ((old.username, old.email, old.password, old.is_active, old.is_staff, old.is_superuser)
    is distinct from (new.username, new.email, new.password, new.is_active, new.is_staff, new.is_superuser))
  execute function tokengate_notify_auth_change();`);
    this.addSql(`create trigger users_auth_delete after delete or truncate on "users"
  for each statement execute function tokengate_notify_auth_change();`);
    this.addSql(`create trigger api_tokens_auth_change after update on "api_tokens"
  for each row when (old.revoked_at is distinct from new.revoked_at or old.expires_at is distinct from new.expires_at
    or old.digest is distinct from new.digest or old.user_id is distinct from new.user_id or old.kind is distinct from new.kind)
  execute function tokengate_notify_auth_change();`);
    this.addSql(`create trigger api_tokens_auth_delete after delete or truncate on "api_tokens"
  for each statement execute function tokengate_notify_auth_change();`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists api_tokens_auth_delete on "api_tokens";');
    this.addSql('drop trigger if exists api_tokens_auth_change on "api_tokens";');
    this.addSql('drop trigger if exists users_auth_delete on "users";');
    this.addSql('drop trigger if exists users_auth_change on "users";');
    this.addSql('drop function if exists tokengate_notify_auth_change();');
  }
}
