/**
 * The block's department: a drop-down of the site's departments where the
 * site has a list (option consent_chat_departments), else a text field that
 * says at once when the id breaks the rule the service routes by.
 */
import { SelectControl, TextControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { DEPT_PATTERN } from './attributes';
import type { Department } from './editor-data';

export function DepartmentControl( {
	value,
	departments,
	onChange,
}: {
	value: string;
	departments: Department[];
	onChange: ( dept: string ) => void;
} ) {
	if ( departments.length > 0 ) {
		const options = [
			{ label: __( 'Any department', 'consent-chat' ), value: '' },
			...departments.map( ( d ) => ( { label: d.name, value: d.id } ) ),
		];
		// A department removed from the list since: shown, not silently dropped.
		if ( value && ! departments.some( ( d ) => d.id === value ) ) {
			/* translators: %s: a department's id. */
			options.push( { label: sprintf( __( '%s (no longer in the list)', 'consent-chat' ), value ), value } );
		}
		return (
			<SelectControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Department', 'consent-chat' ) }
				help={ __( 'Chats from this page go to the agents of this department.', 'consent-chat' ) }
				value={ value }
				options={ options }
				onChange={ onChange }
			/>
		);
	}
	const invalid = value !== '' && ! DEPT_PATTERN.test( value );
	return (
		<TextControl
			__nextHasNoMarginBottom
			__next40pxDefaultSize
			className={ invalid ? 'consent-chat-invalid' : undefined }
			label={ __( 'Department', 'consent-chat' ) }
			help={
				invalid
					? __( 'Only letters, digits, “-” and “_”, at most 64. As it is, chats from this page go to any agent.', 'consent-chat' )
					: __( 'Route chats from this page to a department (letters, digits, “-” and “_”; empty: any agent).', 'consent-chat' )
			}
			value={ value }
			onChange={ onChange }
		/>
	);
}
