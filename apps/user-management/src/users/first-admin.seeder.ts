import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { usersConfig } from './users.config';
import { UsersService } from './users.service';

/** On an empty database, creates the admin named by ADMIN_USERNAME / ADMIN_PASSWORD. */
@Injectable()
export class FirstAdminSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('FirstAdmin');

  constructor(
    private readonly users: UsersService,
    @Inject(usersConfig.KEY) private readonly cfg: ConfigType<typeof usersConfig>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminUsername, adminPassword } = this.cfg;
    if (!adminUsername || !adminPassword) {
      if (await this.users.isEmpty()) {
        this.logger.warn('there are no users and ADMIN_USERNAME/ADMIN_PASSWORD are not set: nobody can log in');
      }
      return;
    }
    const created = await this.users.createFirstAdmin(adminUsername, adminPassword);
    if (created) this.logger.log(`created the first admin "${created.username}"; ADMIN_PASSWORD can now be removed from the environment`);
  }
}
