# node-gyp build of the addon: prebuildify drives it to make the shipped Windows prebuilds (prebuilds/win32-<arch>/),
# and node-gyp-build falls back to it on Windows when no prebuild matches. CMakeLists.txt (cmake-js) is the second
# build: both list the same sources and defines, and test/linux/build-files.test.ts checks they agree.
# WinHTTP exists only on Windows: elsewhere `winhttp` is a 'none' target, so configure and build succeed and make
# nothing. node-gyp links its own delay-load hook (win_delay_load_hook), which binds Node-API to whatever exe loaded
# the addon (node.exe, Electron); native/platform/mingw_delay_load_hook.cc is the mingw-w64 build's equivalent only.
{
  'targets': [
    {
      'target_name': 'winhttp',
      'conditions': [
        ['OS=="win"', {
          'type': 'loadable_module',
          'win_delay_load_hook': 'true',
          'sources': [
            'native/addon.cc',
            'native/dispatcher.cc',
            'native/inline_completion.cc',
            'native/status_callback.cc',
            'native/request_state.cc',
            'native/body_pump.cc',
            'native/body_pump_chain.cc',
            'native/write_queue.cc',
            'native/session_wrap.cc',
            'native/connection_wrap.cc',
            'native/request_wrap.cc',
            'native/auth_request.cc',
            'native/request_exchange.cc',
            'native/url_wrap.cc',
            'native/handle_options.cc',
            'native/native_error.cc',
            'native/win_error.cc',
            'native/wide_string.cc',
            'native/proxy_api.cc',
            'native/proxy_resolver.cc',
            'native/proxy_option.cc',
            'native/tls_server_cert.cc',
            'native/tls_client_cert.cc',
            'native/tls_request_times.cc',
            'native/proxy_found.cc',
            'native/proxy_lookup.cc',
            'native/tls_cert_store.cc',
            'native/client_cert_wrap.cc',
            'native/tls_trusted_roots.cc',
            'native/tls_trust_gate.cc',
            'native/tls_roots_wrap.cc',
            'native/client_cert_load.cc',
            'native/websocket_callback.cc',
            'native/websocket_wrap.cc',
          ],
          'defines': [
            'NAPI_VERSION=8',
            'NAPI_CPP_EXCEPTIONS',
            'NODE_ADDON_API_CPP_EXCEPTIONS_ALL',
            'NODE_ADDON_API_DISABLE_DEPRECATED',
            'NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED',
            'NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS',
            'UNICODE',
            '_UNICODE',
            'WIN32_LEAN_AND_MEAN',
            'NOMINMAX',
          ],
          'include_dirs': [
            "<!(node -p \"require('node-addon-api').include_dir\")",
          ],
          # C++ exceptions on (NAPI_CPP_EXCEPTIONS, _HAS_EXCEPTIONS=1, /EHsc): node-addon-api's gyp target.
          'dependencies': [
            "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except",
          ],
          'link_settings': {
            'libraries': ['winhttp.lib', 'crypt32.lib'],
          },
          'msvs_settings': {
            'VCCLCompilerTool': {
              # Node's common.gypi passes -std:c++20 (Node 22+) or -std:c++17 (Node 20): drop any standard but
              # C++17, so every Node version builds what CMakeLists.txt builds (C++20 also retypes u8"" literals).
              'AdditionalOptions/': [['exclude', '^[-/]std:c\\+\\+(?!17$)']],
              'AdditionalOptions': ['/std:c++17', '/we4244', '/we4267', '/sdl', '/guard:cf', '/Qspectre'],
              'ExceptionHandling': 1,  # /EHsc
              'WarningLevel': 4,  # /W4
            },
            'VCLinkerTool': {
              'AdditionalOptions': ['/guard:cf'],
            },
          },
        }, {
          'type': 'none',
        }],
      ],
    },
  ],
}
