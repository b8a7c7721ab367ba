/**
 * The most visited pages (tracking embed, after consent): paths only, never
 * a query string — the service drops it before counting.
 */
import { __ } from '@wordpress/i18n';
import type { PageFigures } from './aggregate';
import { formatNumber } from './format';

export function TopPages( { pages, locale }: { pages: PageFigures[]; locale: string } ): JSX.Element {
	return (
		<table className="widefat striped consent-chat-stats__pages">
			<caption className="consent-chat-stats__chart-title">{ __( 'Visits by page', 'consent-chat' ) }</caption>
			<thead>
				<tr>
					<th scope="col">{ __( 'Page', 'consent-chat' ) }</th>
					<th scope="col" className="num">
						{ __( 'Visits', 'consent-chat' ) }
					</th>
					<th scope="col" className="num">
						{ __( 'Returning visits', 'consent-chat' ) }
					</th>
				</tr>
			</thead>
			<tbody>
				{ pages.length === 0 && (
					<tr>
						<td colSpan={ 3 }>{ __( 'No visits counted in this period. Visits are counted only for visitors who accepted chat tracking.', 'consent-chat' ) }</td>
					</tr>
				) }
				{ pages.map( ( p ) => (
					<tr key={ p.path }>
						<td>
							<code>{ p.path }</code>
						</td>
						<td className="num">{ formatNumber( p.views, locale ) }</td>
						<td className="num">{ formatNumber( p.returning, locale ) }</td>
					</tr>
				) ) }
			</tbody>
		</table>
	);
}
