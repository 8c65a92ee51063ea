import { runMain } from '@smartgrid/bootstrap';
import { APP_NAME, createApp, startApp } from './user-management.app';

runMain({ name: APP_NAME, create: () => createApp(), start: startApp });
