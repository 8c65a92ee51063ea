export const DEVICE_KINDS = ['sensor', 'meter'] as const;
