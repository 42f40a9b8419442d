// Opening a URL in the user's browser (`infra watch --open`): xdg-open where there is a desktop. Only this file
// starts it; without one, the URL infra printed is the way.
import { execa } from 'execa';

/** Whether a browser was started on `url`. */
export async function openInBrowser(url: string): Promise<boolean> {
  const opened = await execa('xdg-open', [url], { reject: false, detached: true, stdio: 'ignore' }).catch(
    () => undefined,
  );
  return opened?.exitCode === 0;
}
