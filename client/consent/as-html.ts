/**
 * The officer's texts as cookieconsent wants them: it sets titles,
 * descriptions and button labels with innerHTML. Every text is plain text
 * (Markdown at most elsewhere, never HTML), so it is escaped here and shows
 * exactly as typed; line breaks stay line breaks. `{` is escaped too, so a
 * typed "{{revisionMessage}}" is not replaced by the library.
 */
export function asHtml( text: string ): string {
	const entities: Record< string, string > = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '{': '&#123;' };
	return text.replace( /[&<>"'{]/g, ( c ) => entities[ c ] ).replace( /\r?\n/g, '<br>' );
}
