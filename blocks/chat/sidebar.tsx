/**
 * The block's settings in the editor's sidebar.
 */
import { InspectorControls } from '@wordpress/block-editor';
import { Notice, PanelBody, SelectControl, TextControl, ToggleControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { DELAY_MAX, GREETING_MAX, clampDelay, type Attributes } from './attributes';
import { DepartmentControl } from './department-control';
import type { BlockEditorData } from './editor-data';

export function Sidebar( {
	attributes,
	setAttributes,
	data,
}: {
	attributes: Attributes;
	setAttributes: ( a: Partial< Attributes > ) => void;
	data: BlockEditorData | null;
} ) {
	const siteGreeting = data?.config.greeting?.text;
	let fallback: string = __( 'Shown beside the launcher after the delay. Empty: no greeting (the site has none).', 'consent-chat' );
	if ( siteGreeting ) {
		/* translators: %s: the site's greeting text. */
		fallback = sprintf( __( 'Shown beside the launcher after the delay. Empty: the site’s greeting, “%s”.', 'consent-chat' ), siteGreeting );
	}
	return (
		<InspectorControls>
			<PanelBody title={ __( 'Chat', 'consent-chat' ) }>
				{ data?.sitewide && (
					<Notice status="info" isDismissible={ false }>
						{ __( 'The site-wide launcher is on. On this page, this block’s chat takes its place, so visitors get one chat, not two.', 'consent-chat' ) }
					</Notice>
				) }
				<DepartmentControl
					value={ attributes.dept }
					departments={ data?.departments ?? [] }
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
			<PanelBody title={ __( 'Greeting', 'consent-chat' ) }>
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Greeting on this page', 'consent-chat' ) }
					help={
						// Kept, not hidden, in the inline display: switching back finds it as it was.
						attributes.display === 'inline' ? __( 'Only the launcher shows a greeting; this block shows the chat window in the page.', 'consent-chat' ) : fallback
					}
					value={ attributes.greetingText }
					maxLength={ GREETING_MAX }
					onChange={ ( greetingText ) => setAttributes( { greetingText } ) }
				/>
				{ attributes.greetingText.trim() !== '' && (
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						type="number"
						min={ 0 }
						max={ DELAY_MAX }
						label={ __( 'Greeting delay (seconds)', 'consent-chat' ) }
						value={ String( attributes.greetingDelay ) }
						onChange={ ( v ) => setAttributes( { greetingDelay: clampDelay( v ) } ) }
					/>
				) }
			</PanelBody>
		</InspectorControls>
	);
}
