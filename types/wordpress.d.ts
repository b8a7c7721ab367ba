/** @wordpress/block-editor ships no type declarations; this covers what the block uses. */
declare module '@wordpress/block-editor' {
	import type { ComponentType, ReactNode } from 'react';
	export function useBlockProps( props?: Record< string, unknown > ): Record< string, unknown >;
	export const InspectorControls: ComponentType< { children?: ReactNode } >;
}
