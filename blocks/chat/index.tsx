/**
 * Editor side of the Chat block. The front end is rendered by PHP
 * (render.php); the editor shows the launcher as visitors will see it.
 */
import { registerBlockType, type BlockConfiguration } from '@wordpress/blocks';
import { InspectorControls, useBlockProps } from '@wordpress/block-editor';
import { PanelBody, SelectControl, TextControl, ToggleControl } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import metadata from './block.json';
import './editor.css';

type Attributes = {
	dept: string;
	direct: boolean;
	display: 'launcher' | 'inline';
	preferencesLink: boolean;
};

function Edit( {
	attributes,
	setAttributes,
}: {
	attributes: Attributes;
	setAttributes: ( a: Partial< Attributes > ) => void;
} ) {
	return (
		<div { ...useBlockProps( { className: 'consent-chat-editor-preview' } ) }>
			<InspectorControls>
				<PanelBody title={ __( 'Chat', 'consent-chat' ) }>
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'Department', 'consent-chat' ) }
						help={ __( 'Route chats from this page to a department (empty: any agent).', 'consent-chat' ) }
						value={ attributes.dept }
						onChange={ ( dept ) => setAttributes( { dept } ) }
					/>
					<ToggleControl
						__nextHasNoMarginBottom
						label={ __( 'Start directly', 'consent-chat' ) }
						help={ __( 'Skip the pre-chat form.', 'consent-chat' ) }
						checked={ attributes.direct }
						onChange={ ( direct ) => setAttributes( { direct } ) }
					/>
					<SelectControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'Display', 'consent-chat' ) }
						value={ attributes.display }
						options={ [
							{ label: __( 'Launcher in the corner', 'consent-chat' ), value: 'launcher' },
							{ label: __( 'Chat window in the page', 'consent-chat' ), value: 'inline' },
						] }
						onChange={ ( display ) => setAttributes( { display: display as Attributes[ 'display' ] } ) }
					/>
					<ToggleControl
						__nextHasNoMarginBottom
						label={ __( 'Privacy settings link', 'consent-chat' ) }
						help={ __( 'Show a button that opens the chat’s privacy settings, where visitors give or withdraw consent to chat tracking.', 'consent-chat' ) }
						checked={ attributes.preferencesLink }
						onChange={ ( preferencesLink ) => setAttributes( { preferencesLink } ) }
					/>
				</PanelBody>
			</InspectorControls>
			<span className="cc-launcher" aria-hidden="true">
				<span className="cc-launcher__icon" />
				{ __( 'Chat with us', 'consent-chat' ) }
			</span>
			<p className="consent-chat-editor-preview__note">
				{ __( 'Visitors see this chat launcher in the corner of the page.', 'consent-chat' ) }
			</p>
		</div>
	);
}

registerBlockType( metadata as BlockConfiguration< Attributes >, {
	edit: Edit,
	save: () => null,
} );
