<?php
/**
 * wp-admin "Chat privacy": the consent log (with CSV export) and the embed
 * snippets for pages outside WordPress, for privacy officers and
 * administrators.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * A page in WordPress's own look; it reads through the plugin's REST routes,
 * so their permission checks are the only ones.
 */
class Privacy_Page {
	const SLUG = 'consent-chat-privacy';

	/** Decisions shown on the page; the CSV export has them all. */
	const ROWS = 100;

	/**
	 * Action admin_menu.
	 */
	public static function add_menu() {
		add_menu_page(
			__( 'Chat privacy', 'consent-chat' ),
			__( 'Chat privacy', 'consent-chat' ),
			Roles::PRIVACY,
			self::SLUG,
			array( self::class, 'render' ),
			'dashicons-shield',
			4
		);
	}

	/**
	 * The page.
	 */
	public static function render() {
		if ( ! current_user_can( Roles::PRIVACY ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to access this page.', 'consent-chat' ), 403 );
		}
		$request = new \WP_REST_Request( 'GET', '/consent-chat/v1/consent-log' );
		$request->set_query_params( array( 'per_page' => self::ROWS ) );
		$response = rest_do_request( $request );
		$rows     = $response->is_error() ? array() : (array) $response->get_data();
		$total    = (int) ( $response->get_headers()['X-WP-Total'] ?? count( $rows ) );
		$csv      = add_query_arg(
			array(
				'format'   => 'csv',
				'_wpnonce' => wp_create_nonce( 'wp_rest' ),
			),
			rest_url( 'consent-chat/v1/consent-log' )
		);
		?>
		<div class="wrap">
			<h1><?php esc_html_e( 'Chat privacy', 'consent-chat' ); ?></h1>
			<p>
				<a class="button button-primary" href="<?php echo esc_url( Settings_Page::url( 'privacy' ) ); ?>"><?php esc_html_e( 'Edit privacy and consent texts', 'consent-chat' ); ?></a>
				<?php esc_html_e( 'The privacy information, the consent checkbox, the forms’ opt-ins, the cookie banner and how long chats are kept.', 'consent-chat' ); ?>
			</p>

			<h2><?php esc_html_e( 'Consent log', 'consent-chat' ); ?></h2>
			<p>
				<?php esc_html_e( 'Every decision visitors made in the cookie banner: when, which categories, under which revision and version of the texts. No IP address is kept.', 'consent-chat' ); ?>
			</p>
			<p>
				<a class="button" href="<?php echo esc_url( $csv ); ?>"><?php esc_html_e( 'Download all as CSV', 'consent-chat' ); ?></a>
				<?php
				/* translators: 1: decisions shown, 2: decisions in total. */
				echo esc_html( sprintf( __( 'Showing the latest %1$d of %2$d decisions.', 'consent-chat' ), count( $rows ), $total ) );
				?>
			</p>
			<table class="widefat striped">
				<thead>
					<tr>
						<th scope="col"><?php esc_html_e( 'Time', 'consent-chat' ); ?></th>
						<th scope="col"><?php esc_html_e( 'Consent id', 'consent-chat' ); ?></th>
						<th scope="col"><?php esc_html_e( 'Decision', 'consent-chat' ); ?></th>
						<th scope="col"><?php esc_html_e( 'Accepted categories', 'consent-chat' ); ?></th>
						<th scope="col"><?php esc_html_e( 'Revision', 'consent-chat' ); ?></th>
						<th scope="col"><?php esc_html_e( 'Text version', 'consent-chat' ); ?></th>
						<th scope="col"><?php esc_html_e( 'Language', 'consent-chat' ); ?></th>
						<th scope="col"><?php esc_html_e( 'Global Privacy Control', 'consent-chat' ); ?></th>
					</tr>
				</thead>
				<tbody>
					<?php if ( ! $rows ) : ?>
						<tr><td colspan="8"><?php esc_html_e( 'No decisions logged yet.', 'consent-chat' ); ?></td></tr>
					<?php endif; ?>
					<?php foreach ( $rows as $row ) : ?>
						<tr>
							<td><?php echo esc_html( wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), strtotime( (string) $row['time'] ) ) ); ?></td>
							<td><code><?php echo esc_html( (string) $row['consentId'] ); ?></code></td>
							<td><?php echo esc_html( (string) $row['action'] ); ?></td>
							<td><?php echo esc_html( implode( ', ', array_map( 'strval', (array) $row['categories'] ) ) ); ?></td>
							<td><?php echo esc_html( (string) $row['revision'] ); ?></td>
							<td><code><?php echo esc_html( (string) $row['textVersion'] ); ?></code></td>
							<td><?php echo esc_html( (string) $row['lang'] ); ?></td>
							<td><?php echo $row['gpc'] ? esc_html__( 'yes', 'consent-chat' ) : esc_html__( 'no', 'consent-chat' ); ?></td>
						</tr>
					<?php endforeach; ?>
				</tbody>
			</table>

			<h2><?php esc_html_e( 'Embed snippets for pages outside WordPress', 'consent-chat' ); ?></h2>
			<p><?php esc_html_e( 'Copy one into the HTML of another page (or a native app’s WebView) to show the chat there. The page’s address must be allowed at the chat service.', 'consent-chat' ); ?></p>
			<?php
			$snippets = Consent::snippets();
			$labels   = array(
				'plain'    => __( 'Chat without tracking', 'consent-chat' ),
				'tracking' => __( 'Chat with tracking after consent (cookie banner included)', 'consent-chat' ),
			);
			foreach ( $labels as $key => $label ) :
				$id = 'consent-chat-snippet-' . $key;
				?>
				<p><label for="<?php echo esc_attr( $id ); ?>"><strong><?php echo esc_html( $label ); ?></strong></label></p>
				<textarea id="<?php echo esc_attr( $id ); ?>" class="large-text code" rows="5" readonly><?php echo esc_textarea( (string) $snippets[ $key ] ); ?></textarea>
			<?php endforeach; ?>
		</div>
		<?php
	}
}
