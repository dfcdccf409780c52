import { Migration } from '@mikro-orm/migrations';

export class Migration20261122234042 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "api_tokens" drop constraint if exists "api_tokens_kind_check";`);

    this.addSql(
      `alter table "api_tokens" add constraint "api_tokens_kind_check" check("kind" in ('login', 'bearer'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "api_tokens" drop constraint if exists "api_tokens_kind_check";`);

    this.addSql(
      `alter table "api_tokens" add constraint "api_tokens_kind_check" check("kind" in ('login'));`,
    );
  }
}
