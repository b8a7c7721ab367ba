/**
 * Editor side of the Chat block. The front end is rendered by PHP
 * (render.php); the editor shows what visitors will see, drawn by the
 * visitors' own code with the site's texts and colours (client/preview).
 */
import { registerBlockType, type BlockConfiguration } from '@wordpress/blocks';
import { useBlockProps } from '@wordpress/block-editor';
import { useMemo } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import metadata from './block.json';
import { blockConfig, type Attributes } from './attributes';
import { editorData } from './editor-data';
import { Preview } from './preview';
import { Sidebar } from './sidebar';
import './editor.css';

function Edit( {
	attributes,
	setAttributes,
}: {
	attributes: Attributes;
	setAttributes: ( a: Partial< Attributes > ) => void;
} ) {
	const data = editorData();
	const config = useMemo( () => ( data ? blockConfig( data.config, attributes ) : null ), [ data, attributes ] );
	return (
		<div { ...useBlockProps( { className: 'consent-chat-editor-preview' } ) }>
			<Sidebar attributes={ attributes } setAttributes={ setAttributes } data={ data } />
			{ config ? (
				<Preview config={ config } />
			) : (
				<p className="consent-chat-preview__note">{ __( 'The chat’s preview could not be loaded. Visitors still get the chat.', 'consent-chat' ) }</p>
			) }
		</div>
	);
}

registerBlockType( metadata as BlockConfiguration< Attributes >, {
	edit: Edit,
	save: () => null,
} );
