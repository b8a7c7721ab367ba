/**
 * Export the answers and dialogs (all languages) as a JSON file, and import
 * one: checked with the service's own parser first, and only a valid file
 * replaces the form's content (saving is still the Save button's).
 */
import { Button, FormFileUpload, Notice } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { exportJson, importJson, type AssistantDraft } from './assistant-draft';

type Outcome = { kind: 'none' } | { kind: 'imported' } | { kind: 'refused'; path: string; message: string };

export function AssistantImportExport( { draft, onChange }: { draft: AssistantDraft; onChange: ( draft: AssistantDraft ) => void } ) {
	const [ outcome, setOutcome ] = useState< Outcome >( { kind: 'none' } );

	const download = () => {
		const url = URL.createObjectURL( new Blob( [ exportJson( draft ) ], { type: 'application/json' } ) );
		const a = document.createElement( 'a' );
		a.href = url;
		a.download = 'consent-chat-assistant.json';
		a.click();
		URL.revokeObjectURL( url );
	};

	const upload = async ( file: File | undefined ) => {
		if ( ! file ) return;
		const result = importJson( draft, await file.text() );
		if ( result.ok ) {
			onChange( result.draft );
			setOutcome( { kind: 'imported' } );
		} else {
			setOutcome( { kind: 'refused', path: result.path, message: result.message } );
		}
	};

	return (
		<div className="consent-chat-settings__section">
			<h2>{ __( 'Import and export', 'consent-chat' ) }</h2>
			<div className="consent-chat-settings__field-row">
				<Button variant="secondary" onClick={ download } __next40pxDefaultSize>
					{ __( 'Export as JSON', 'consent-chat' ) }
				</Button>
				<FormFileUpload
					accept="application/json,.json"
					onChange={ ( e ) => {
						const input = e.currentTarget as HTMLInputElement;
						void upload( input.files?.[ 0 ] );
						input.value = '';
					} }
					render={ ( { openFileDialog } ) => (
						<Button variant="secondary" onClick={ openFileDialog } __next40pxDefaultSize>
							{ __( 'Import JSON', 'consent-chat' ) }
						</Button>
					) }
				/>
			</div>
			<div aria-live="polite">
				{ outcome.kind === 'imported' && (
					<Notice status="info" onRemove={ () => setOutcome( { kind: 'none' } ) }>
						{ __( 'Imported. The answers and dialogs of every language were replaced; save the settings to keep them.', 'consent-chat' ) }
					</Notice>
				) }
				{ outcome.kind === 'refused' && (
					<Notice status="error" onRemove={ () => setOutcome( { kind: 'none' } ) }>
						{ outcome.path
							? sprintf(
									/* translators: 1: the path of a field in the file, e.g. locales.de_DE.answers.0.id, 2: what is wrong. */
									__( 'Nothing was imported. In the file, at %1$s: %2$s', 'consent-chat' ),
									outcome.path,
									outcome.message
							  )
							: sprintf(
									/* translators: %s: what is wrong. */
									__( 'Nothing was imported. The file is not valid: %s', 'consent-chat' ),
									outcome.message
							  ) }
					</Notice>
				) }
			</div>
		</div>
	);
}
