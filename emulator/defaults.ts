/** Fixed identities of the emulated tenant and app registration (fake values, safe to commit). */
export const DEFAULT_TENANT_ID = '5d0a0000-7e4a-4000-8000-00000000c0de';
export const DEFAULT_CLIENT_ID = '5d0a0000-b07a-4000-8000-0000000000a1';
export const DEFAULT_CLIENT_SECRET = 'emulator-client-secret-not-a-real-secret';
export const DEFAULT_APP_DISPLAY_NAME = 'SOA Bot';
