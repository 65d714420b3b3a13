<?php
// Router for PHP's built-in server: one port, two institutions. A request under /idp/<institution>/ runs
// SimpleSAMLphp with that institution's generated config dir, so each institution is its own hosted IdP with its own
// entity ID, key, scope, users and session cookie.
declare(strict_types=1);

$state = getenv('DEMO_IDP_STATE') ?: dirname(__DIR__, 2) . '/.state/idp';
$www = '/usr/share/simplesamlphp/www';
$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH) ?: '/';

if (!preg_match('#^/idp/(hospital|university)(/.*)?$#', $path, $m)) {
    http_response_code(404);
    header('Content-Type: text/plain');
    echo "Demo IdP: use /idp/hospital/ or /idp/university/\n";
    return true;
}
$institution = $m[1];
$rest = ($m[2] ?? '/') === '/' ? '/index.php' : $m[2];
putenv("SIMPLESAMLPHP_CONFIG_DIR=$state/$institution/config");

if (preg_match('#^(.*?\.php)(/.*)?$#', $rest, $p)) {
    $script = $p[1];
    $pathInfo = $p[2] ?? null;
} else {
    $script = $rest;
    $pathInfo = null;
}
$file = realpath($www . $script);
if ($file === false || !str_starts_with($file, $www . '/') || !is_file($file)) {
    http_response_code(404);
    return true;
}
if (!str_ends_with($file, '.php')) {
    $types = ['css' => 'text/css', 'js' => 'application/javascript', 'png' => 'image/png', 'gif' => 'image/gif',
        'ico' => 'image/x-icon', 'svg' => 'image/svg+xml', 'woff' => 'font/woff', 'woff2' => 'font/woff2'];
    header('Content-Type: ' . ($types[pathinfo($file, PATHINFO_EXTENSION)] ?? 'application/octet-stream'));
    readfile($file);
    return true;
}

$_SERVER['SCRIPT_FILENAME'] = $file;
$_SERVER['SCRIPT_NAME'] = "/idp/$institution$script";
$_SERVER['PHP_SELF'] = $_SERVER['SCRIPT_NAME'] . ($pathInfo ?? '');
if ($pathInfo !== null) {
    $_SERVER['PATH_INFO'] = $pathInfo;
} else {
    unset($_SERVER['PATH_INFO']);
}
chdir(dirname($file));
require $file;
return true;
