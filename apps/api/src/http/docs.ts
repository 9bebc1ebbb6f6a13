import { createRequire } from "node:module";
import path from "node:path";
import express, { type ErrorRequestHandler, type Router } from "express";
import { AppError } from "../errors/app-error";

// The API reference at /docs: Swagger UI from the swagger-ui-dist package, served by this API (no CDN), reading
// the OpenAPI document at /openapi.json.
const require = createRequire(import.meta.url);
const assetsDir = path.dirname(require.resolve("swagger-ui-dist/package.json"));

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Agni API reference</title>
  <link rel="icon" href="/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#reference", deepLinking: true, docExpansion: "list", tryItOutEnabled: false });\n`;

export function docsRouter(): Router {
  const router = express.Router();
  router.get("/docs", (_req, res) => void res.type("html").send(PAGE));
  router.get("/docs/init.js", (_req, res) => void res.type("js").send(INIT));
  // Anything the static handler does not serve (missing, a directory, `..`, NUL) is a plain 404; its own errors
  // carry the file's absolute path in message and stack, so none of them reaches the log or the answer.
  router.use("/docs/assets", express.static(assetsDir, { index: false, redirect: false, fallthrough: true, maxAge: "1d" }));
  router.use("/docs/assets", (_req, _res, next) => next(new AppError("NOT_FOUND", "There is no such file in the API reference")));
  const hidePaths: ErrorRequestHandler = (err, _req, _res, next) =>
    next(err instanceof AppError ? err : new AppError("INTERNAL_ERROR", "The API reference file could not be read"));
  router.use("/docs/assets", hidePaths);
  return router;
}
