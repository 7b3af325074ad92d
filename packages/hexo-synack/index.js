/* global hexo */
// Hexo loads this file in a sandbox that cannot import() ES modules; the plugin
// itself is an ordinary module.
require("./plugin")(hexo);
