<?php
/**
 * Every add_action / add_filter of the plugin, in one place.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

add_action( 'init', array( Assets::class, 'register' ) );
add_action( 'init', array( Assets::class, 'register_block' ) );
add_action( 'init', array( Settings::class, 'register' ) );
add_action( 'rest_api_init', array( Rest::class, 'register_routes' ) );
add_action( 'admin_menu', array( Agent_Page::class, 'add_menu' ) );
add_action( 'admin_enqueue_scripts', array( Agent_Page::class, 'enqueue' ) );
