import { Migration } from '@mikro-orm/migrations';

export class Migration20261201231712 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "tracks" ("id" serial primary key, "title" varchar(200) not null, "artist" varchar(200) not null, "duration_seconds" int not null, "owner_id" int not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "tracks_owner_id_index" on "tracks" ("owner_id");`);

    this.addSql(
      `alter table "tracks" add constraint "tracks_owner_id_foreign" foreign key ("owner_id") references "users" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "tracks" cascade;`);
  }
}
