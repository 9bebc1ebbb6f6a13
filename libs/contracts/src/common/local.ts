/** Where a development API listens by default (`npm start`, PORT 3000), and so where the CLI looks unless told. */
export const DEFAULT_LOCAL_API_URL = "http://127.0.0.1:3000";
