/**
 * Replies of one kind, applied in the order their requests were made. Requests to the core
 * do not all take the same time (the page's first reads wait for the first scan, a click's
 * answer may not), and a slow reply to an older request must not put back a state that a
 * newer reply or event has already replaced: a folder just added vanishing from the sidebar.
 * Call the returned function as a request is made; the check it gives says, once the reply
 * is in, whether it is still the newest to apply.
 */
export function inRequestOrder(): () => () => boolean {
  let made = 0;
  let applied = 0;
  return () => {
    const mine = ++made;
    return () => {
      if (mine < applied) return false;
      applied = mine;
      return true;
    };
  };
}
