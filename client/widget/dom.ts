/**
 * A tiny element builder. Children are added as nodes or text nodes, never
 * parsed as HTML, so what anyone types cannot become markup.
 */
type Attrs = Record< string, string | boolean | number | undefined | ( ( e: Event ) => void ) >;

export function h< K extends keyof HTMLElementTagNameMap >(
	tag: K,
	attrs: Attrs = {},
	...children: Array< Node | string | null | undefined | false >
): HTMLElementTagNameMap[ K ] {
	const el = document.createElement( tag );
	for ( const [ key, value ] of Object.entries( attrs ) ) {
		if ( value === undefined || value === false ) continue;
		if ( typeof value === 'function' ) {
			el.addEventListener( key.replace( /^on/, '' ).toLowerCase(), value );
		} else if ( key === 'className' ) {
			el.className = String( value );
		} else {
			el.setAttribute( key, value === true ? '' : String( value ) );
		}
	}
	for ( const child of children ) {
		if ( child !== null && child !== undefined && child !== false ) el.append( child );
	}
	return el;
}
