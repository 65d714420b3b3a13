<?php
// Appended to a copy of Debian's /etc/simplesamlphp/config.php: only what differs for a loopback demo IdP.
declare(strict_types=1);

require_once __DIR__ . '/settings.php';
$s = demo_idp_settings();

$config['baseurlpath'] = $s['base_url'] . '/idp/' . $s['institution'] . '/';
$config['certdir'] = $s['dir'] . '/cert/';
$config['loggingdir'] = $s['dir'] . '/log/';
$config['datadir'] = $s['dir'] . '/data/';
$config['tempdir'] = $s['dir'] . '/tmp/';
$config['metadatadir'] = $s['dir'] . '/metadata/';
$config['logging.handler'] = 'file';
$config['logging.logfile'] = 'simplesamlphp.log';
$config['logging.level'] = SimpleSAML\Logger::INFO;
$config['enable.saml20-idp'] = true;
$config['module.enable'] = ['exampleauth' => true, 'core' => true, 'saml' => true, 'admin' => true];
$config['secretsalt'] = $s['secret_salt'];
$config['auth.adminpassword'] = $s['admin_password'];
$config['technicalcontact_email'] = 'idp-admin@' . $s['institution_data']['scope'];
$config['timezone'] = 'UTC';
// Plain HTTP on loopback: a Secure cookie would never come back.
$config['session.cookie.secure'] = false;
$config['language.cookie.secure'] = false;
$config['session.cookie.samesite'] = null;
// Both institutions share one host; separate cookies keep their sessions apart.
$config['session.cookie.name'] = 'DemoIdP_' . $s['institution'];
$config['session.phpsession.cookiename'] = 'DemoIdPSess_' . $s['institution'];
$config['session.authtoken.cookiename'] = 'DemoIdPAuth_' . $s['institution'];
$config['session.cookie.path'] = '/idp/' . $s['institution'] . '/';
$config['store.type'] = 'phpsession';
$config['session.phpsession.savepath'] = $s['dir'] . '/tmp/';
