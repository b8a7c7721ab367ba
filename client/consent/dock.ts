/**
 * Keeps the chat window clear of our cookie banner. The banner is a bar at
 * the top of the viewport; on a phone the chat window fills the viewport, so
 * the bar would hide the window's header and close button, and a visitor who
 * does not want to answer the banner yet could not use the chat. While the bar
 * is open, its height is published on `<html>` as a CSS custom property, and
 * the window's styles (client/widget/window.css) start below it.
 */
import { BANNER_OFFSET_PROPERTY } from '../contract';

const root = document.documentElement;
let observer: ResizeObserver | undefined;

/** The consent bar was shown: follow its height (it reflows with the viewport and the text's length). */
export function dockBelow( bar: HTMLElement ): void {
	observer?.disconnect();
	// offsetHeight is the laid-out height, unaffected by the bar's slide-in transform.
	const publish = (): void => root.style.setProperty( BANNER_OFFSET_PROPERTY, `${ bar.offsetHeight }px` );
	observer = new ResizeObserver( publish );
	observer.observe( bar );
	publish();
}

/** The consent bar was answered or closed: the window takes the whole height again. */
export function undock(): void {
	observer?.disconnect();
	observer = undefined;
	root.style.removeProperty( BANNER_OFFSET_PROPERTY );
}
