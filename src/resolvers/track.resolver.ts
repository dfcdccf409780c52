import { Arg, Args, Ctx, ID, Info, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { principalOf } from '../authentication/principal';
import type { Context } from '../context';
import { parseId } from '../database/ids';
import type { Track } from '../entities/track.entity';
import { NotFound } from '../errors';
import { callerOf } from '../permissions/caller';
import { Can, checkObjectPermission, IsAuthenticatedOrReadOnly } from '../permissions/directives';
import { createTrack, deleteTrack, findTrack, listTracks, updateTrack } from '../tracks/tracks';
import { type Connection, parsePage, toConnection } from './pagination';
import { PageArgs, TrackConnection } from './types/connection.types';
import { TrackInput, TrackType, UpdateTrackInput } from './types/track.type';

/**
 * The example resource, and the pattern to copy for your own: a directive on each root field says who may call
 * it; a rule with an object permission (`@can(rule: "isOwnerOrAdmin")`) is checked with checkObjectPermission
 * once the record is loaded, before anything changes.
 */
@Resolver()
export class TrackResolver {
  @IsAuthenticatedOrReadOnly()
  @Query(() => TrackConnection, { nullable: true, description: 'Tracks, newest first.' })
  async tracks(
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() context: Context,
  ): Promise<Connection<TrackType>> {
    const page = parsePage('tracks', args);
    const tracks = await listTracks(context.em, { afterId: page.afterId, limit: page.size + 1 });
    return toConnection('tracks', page, tracks.map(toTrackType));
  }

  @IsAuthenticatedOrReadOnly()
  @Query(() => TrackType, { nullable: true })
  async track(@Arg('id', () => ID) id: string, @Ctx() context: Context): Promise<TrackType> {
    return toTrackType(await loadTrack(context, id));
  }

  @IsAuthenticatedOrReadOnly()
  @Mutation(() => TrackType, { nullable: true, description: 'Adds a track owned by the caller.' })
  async createTrack(
    @Arg('input', () => TrackInput) input: TrackInput,
    @Ctx() context: Context,
  ): Promise<TrackType> {
    const track = await createTrack(context.em, context.services.clock, {
      owner: callerOf(context),
      fields: input,
    });
    return toTrackType(track);
  }

  @IsAuthenticatedOrReadOnly()
  @Can('isOwnerOrAdmin')
  @Mutation(() => TrackType, {
    nullable: true,
    description: "Changes a track: its owner's or staff's to change.",
  })
  async updateTrack(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateTrackInput) input: UpdateTrackInput,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<TrackType> {
    const track = await loadTrack(context, id);
    checkObjectPermission(context, info, track);
    return toTrackType(await updateTrack(context.em, track, input));
  }

  @IsAuthenticatedOrReadOnly()
  @Can('isOwnerOrAdmin')
  @Mutation(() => Boolean, {
    nullable: true,
    description: "Deletes a track: its owner's or staff's to delete.",
  })
  async deleteTrack(
    @Arg('id', () => ID) id: string,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<boolean> {
    const track = await loadTrack(context, id);
    checkObjectPermission(context, info, track);
    await deleteTrack(context.em, track);
    return true;
  }
}

async function loadTrack(context: Context, id: string): Promise<Track> {
  const track = await findTrack(context.em, parseId(id));
  if (!track) throw new NotFound('No track has this id.');
  return track;
}

function toTrackType(track: Track): TrackType {
  const { id, title, artist, durationSeconds, createdAt } = track;
  return { id, title, artist, durationSeconds, createdAt, owner: principalOf(track.owner) };
}
