app/server.js is the bundle of lab-app/server.ts built by npm run build (scripts/bundle-app.mjs)
