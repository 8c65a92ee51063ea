import { runMain } from '@smartgrid/bootstrap';
import { APP_NAME, createApp, startApp } from './data-processing.app';

runMain({ name: APP_NAME, create: () => createApp(), start: startApp });
