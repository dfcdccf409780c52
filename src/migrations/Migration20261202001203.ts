import { Migration } from '@mikro-orm/migrations';

export class Migration20261202001203 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "login_throttle" ("key" varchar(300) not null, "failures" int not null, "window_started_at" timestamptz not null, constraint "login_throttle_pkey" primary key ("key"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "login_throttle" cascade;`);
  }
}
