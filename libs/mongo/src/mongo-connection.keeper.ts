import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectConnection } from '@nestjs/mongoose';
import { mongoConfig } from '@smartgrid/config';
import { Connection, ConnectionStates } from 'mongoose';
import { MONGO_MODULE_OPTIONS } from './mongo.constants';
import { DEFAULT_RETRY_DELAY_MS, mongooseConnectOptions } from './mongo.options';
import type { MongoModuleOptions } from './mongo.options';

/**
 * In the background mode (`connectInBackground`), keeps trying to open the connection until
 * MongoDB first answers. The driver gives up on a connection whose first attempt failed, but
 * once connected it follows the server by itself (heartbeats), so from then on this does
 * nothing. One warning per outage, one line when connected.
 */
@Injectable()
export class MongoConnectionKeeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('MongoDB');
  private connectedOnce = false;
  private stopped = false;
  private warned = false;
  private timer: NodeJS.Timeout | undefined;
  private attempt: Promise<void> | undefined;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    @Inject(mongoConfig.KEY) private readonly cfg: ConfigType<typeof mongoConfig>,
    @Inject(MONGO_MODULE_OPTIONS) private readonly options: MongoModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.connectInBackground) return;
    this.follow(this.connection.asPromise());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // An attempt still in flight would open a client after the connection is closed.
    await this.attempt;
  }

  private follow(opening: Promise<unknown>): void {
    this.attempt = opening.then(
      () => {
        this.connectedOnce = true;
        if (this.warned) this.logger.log('connected');
      },
      (err: unknown) => {
        if (!this.warned) this.logger.warn(`not reachable, retrying in the background: ${err instanceof Error ? err.message : String(err)}`);
        this.warned = true;
        this.schedule();
      },
    );
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.retry(), this.options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS);
    this.timer.unref();
  }

  private retry(): void {
    if (this.stopped || this.connectedOnce) return;
    const state = this.connection.readyState;
    if (state === ConnectionStates.connected || state === ConnectionStates.connecting) {
      this.follow(this.connection.asPromise());
      return;
    }
    this.follow(this.connection.openUri(this.cfg.uri, mongooseConnectOptions(this.options)));
  }
}
