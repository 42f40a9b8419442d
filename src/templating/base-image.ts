// The image every image infra builds starts FROM, and that host containers run.
export const BASE_IMAGE = 'debian:trixie-slim';
