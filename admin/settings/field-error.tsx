/**
 * A refused field's message, right under the field, tied to its input for
 * screen readers (aria-describedby + aria-invalid).
 */
import type { FieldErrors } from './types';

export function errorId( path: string ): string {
	return `consent-chat-error-${ path.replace( /[^A-Za-z0-9_-]/g, '-' ) }`;
}

/** Props for the input of the field at `path` (WordPress's controls pass them on to it). */
export function invalidProps( errors: FieldErrors, path: string ): Record< string, string > {
	return errors[ path ] ? { 'aria-invalid': 'true', 'aria-describedby': errorId( path ) } : {};
}

export function FieldError( { errors, path }: { errors: FieldErrors; path: string } ) {
	const message = errors[ path ];
	if ( ! message ) return null;
	return (
		<p className="consent-chat-settings__error" id={ errorId( path ) }>
			{ message }
		</p>
	);
}
