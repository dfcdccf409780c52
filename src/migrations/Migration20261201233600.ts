import { Migration } from '@mikro-orm/migrations';

/**
 * Scoped tokens: their scopes, recipient and the user's auth epoch at minting; the users' auth epoch; and the
 * users trigger made to notify on an epoch change too (it ends the user's scoped tokens).
 */
export class Migration20261201233600 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "api_tokens" drop constraint if exists "api_tokens_kind_check";`);

    this.addSql(`alter table "users" add column "auth_epoch" int not null default 0;`);

    this.addSql(
      `alter table "api_tokens" add column "scopes" jsonb null, add column "recipient" varchar(200) null, add column "user_epoch" int null;`,
    );
    this.addSql(
      `alter table "api_tokens" add constraint "api_tokens_kind_check" check("kind" in ('login', 'bearer', 'scoped'));`,
    );
    this.addSql('drop trigger if exists users_auth_change on "users";');
    this.addSql(`create trigger users_auth_change after update on "users"
  for each row when ((old.username, old.email, old.password, old.is_active, old.is_staff, old.is_superuser, old.auth_epoch)
    is distinct from (new.username, new.email, new.password, new.is_active, new.is_staff, new.is_superuser, new.auth_epoch))
  execute function tokengate_notify_auth_change();`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists users_auth_change on "users";');
    this.addSql(`create trigger users_auth_change after update on "users"
  for each row when ((old.username, old.email, old.password, old.is_active, old.is_staff, old.is_superuser)
    is distinct from (new.username, new.email, new.password, new.is_active, new.is_staff, new.is_superuser))
  execute function tokengate_notify_auth_change();`);
    this.addSql(`alter table "api_tokens" drop constraint if exists "api_tokens_kind_check";`);

    this.addSql(`alter table "users" drop column "auth_epoch";`);

    this.addSql(
      `alter table "api_tokens" drop column "scopes", drop column "recipient", drop column "user_epoch";`,
    );

    this.addSql(
      `alter table "api_tokens" add constraint "api_tokens_kind_check" check("kind" in ('login', 'bearer'));`,
    );
  }
}
