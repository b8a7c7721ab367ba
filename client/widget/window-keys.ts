/**
 * The chat window's keyboard: Escape closes (what is open inside it first),
 * and in the launcher's modal window Tab stays inside it.
 */
export function windowKeys( dialog: HTMLElement, o: { trap: boolean; escape(): void } ): void {
	dialog.addEventListener( 'keydown', ( e ) => {
		if ( e.key === 'Escape' ) {
			e.preventDefault();
			o.escape();
			return;
		}
		if ( e.key !== 'Tab' || ! o.trap ) return;
		const focusable = [ ...dialog.querySelectorAll< HTMLElement >( 'button, textarea, input, select, a[href], [tabindex="0"]' ) ].filter(
			( el ) => ! el.hasAttribute( 'disabled' ) && el.offsetParent !== null
		);
		const first = focusable[ 0 ];
		const last = focusable[ focusable.length - 1 ];
		if ( e.shiftKey && document.activeElement === first ) {
			e.preventDefault();
			last?.focus();
		} else if ( ! e.shiftKey && document.activeElement === last ) {
			e.preventDefault();
			first?.focus();
		}
	} );
}
