/** The two IPC channels between main and preload; every request and event rides on them. */
export const IPC_REQUEST = 'snaptree:request';
export const IPC_EVENT = 'snaptree:event';
