the bundle of lab-app/server.ts (npm run build)
