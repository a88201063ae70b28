import path from 'node:path';

/** The project root, from dist/test/support (compiled) or test/support (source). */
export const PROJECT_ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..');
export const DEMO_DIRECTORY = path.join(PROJECT_ROOT, 'demo', 'directory.json');

/** The Agents Playground's mock user and tenant, who the demo world is made for. */
export const ALEX = '00000000-0000-0000-0000-0000000000020';
export const MEGAN = '00000000-0000-0000-0000-0000000000021';
export const ADELE = '00000000-0000-0000-0000-0000000000022';
export const CONTOSO_TENANT = '00000000-0000-0000-0000-0000000000001';

export const ORG_WEB = 'org-contoso-web';
export const ORG_MOBILE = 'org-contoso-mobile';
export const ORG_DATA = 'org-contoso-data';
export const SUB_PAYG = '41cc4f36-a157-4ec6-97a4-346cb65c3452';
export const SUB_EA = '263c2b1d-447c-44ad-b793-40363e9f4870';
export const SUB_FREE_TRIAL = '54bdf84a-f09a-4e88-834e-f9a0416c0b7c';
export const SUB_OTHER_TENANT = '74fe98af-5fec-467f-a9ed-0745af6f6068';
export const SUB_NO_ROLE = '5b603996-1436-4729-a436-ef695bfb952c';
export const ISAIAH = '00000000-0000-0000-0000-0000000000023';
export const PATTI = '00000000-0000-0000-0000-0000000000024';
export const LYNNE = '00000000-0000-0000-0000-0000000000025';
/** A Fabrikam person: outside the tenant of every Contoso subscription. */
export const NESTOR = '9f2c41d0-5b7e-4c1a-8e3d-2a6b7c8d9e01';
