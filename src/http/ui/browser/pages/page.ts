/** Renders a page into `main`; may return a function that stops its timers when the page is left. */
export type Page = (main: HTMLElement, params: URLSearchParams) => Promise<(() => void) | undefined>;
