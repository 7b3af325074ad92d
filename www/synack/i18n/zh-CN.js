// 简体中文：<synack-viz> 显示的每一句话。Simplified Chinese, table for table as
// en.js, in the terms of Chinese networking textbooks (三次握手, 四次挥手, 半关闭,
// 报文段, 序号, 确认号, 重传, 超时). State names keep their RFC 9293 spelling
// (SYN-SENT …) and get a Chinese explanation. Loaded only on a zh-CN page.

export const lang = "zh-CN";

export const ui = {
  loading: "正在加载 TCP 引擎…",
  playback: "播放控制",
  settings: "设置",
  restart: "从头开始",
  replay: "重放我的丢包",
  replayTitle: "回到开头，保留你让它丢失的报文段（“从头开始”会忘掉它们）",
  back: "上一步",
  play: "播放",
  pause: "暂停",
  step: "下一步",
  keys: "空格键播放或暂停，左右方向键后退或前进一步",
  timeline: "时间线",
  stepOf: (k, n) => `第 ${k} 步，共 ${n} 步`,
  speed: "速度",
  handshake: "握手方式",
  numbers: "序号显示",
  relative: "相对序号",
  absolute: "绝对序号",
  symbolic: "x、y（教科书记法）",
  scenario: "场景",
  isn: (side) => `${side} ISN`,
  isnLabel: (side) => `${side}的初始序号（ISN）`,
  newIsns: "随机 ISN",
  newIsnsTitle: "重新随机选取双方的初始序号",
  client: "客户端",
  server: "服务器",
  clientWord: "客户端",
  serverWord: "服务器",
  eventLog: "事件记录",
  table: "以表格查看全过程",
  tableCaption: (title) => `${title}：按时间顺序列出的全部事件`,
  colTime: "时间",
  colEvent: "事件及原因",
  cite: (rfc) => `（${rfc}）`,
  begin: (text) => `${/[。？！]$/.test(text) ? text : `${text}。`}点击“下一步”或“播放”开始。`,
  means: (state, text) => `${state}，${text}。`,
  end: (client, server) => `结束时：客户端 ${client}，服务器 ${server}。`,
  relativeNote: (c, s) => (c !== null && s !== null ? `相对序号（ISN 为 ${c} 和 ${s}）` : `相对序号（ISN 为 ${c ?? s}）`),
  absoluteNote: "绝对序号",
  symbolicNote: (c, s) => (s !== null ? `x 为客户端的 ISN ${c}，y 为服务器的 ISN ${s}` : `x 为客户端的 ISN ${c}`),
  key: "图例：箭头与状态",
  diagram: (title) => `${title}：客户端与服务器之间报文段往来的时序图`,
  inspect: (id, flags) => `报文段 #${id}（${flags}）：查看它的 TCP 首部`,
  lose: (id, flags) => `让报文段 #${id}（${flags}）在网络中丢失，看看 TCP 如何恢复`,
  segment: (flags, id, words) => `${flags} #${id}${words ? `（${words}）` : ""}`,
  seconds: (s) => `${s} 秒`,
  later: (gap) => `… ${gap}后`,
  copyOf: (copy, id) => `#${copy} 是 #${id} 的副本`,
  share: "分享与导出",
  copyLink: "复制链接",
  exportSvg: "SVG",
  exportPng: "PNG",
  copyMermaid: "复制 Mermaid",
  exportSvgTitle: "把时序图下载为 SVG 文件",
  exportPngTitle: "把时序图下载为 PNG 图片",
  copyMermaidTitle: "把时序图复制为 Mermaid 时序图文本",
  nothingToExport: "没有可导出的时序图。",
  copied: "已复制。",
  downloaded: (file) => `已保存 ${file}。`,
  copyFailed: "无法复制，请手动选中下面的文本。",
  errorPrefix: "synack：",
  analogy: "打个比方",
};

export const modes = {
  "two-way": "两次握手",
  "three-way": "三次握手",
  "four-way": "四次握手",
};

/** 各状态的含义（RFC 9293 §3.3.2）。 */
export const states = {
  "CLOSED": "关闭：没有任何连接",
  "LISTEN": "监听：等待连接请求",
  "SYN-SENT": "同步已发送：已发出 SYN，等待对方的 SYN 和确认",
  "SYN-RECEIVED": "同步已收到：收到 SYN 并已回应，等待对方确认自己的 SYN",
  "ESTABLISHED": "已建立连接：双方可以互相发送数据",
  "FIN-WAIT-1": "终止等待 1：已发出 FIN，等待确认或对方的 FIN",
  "FIN-WAIT-2": "终止等待 2：自己的 FIN 已被确认，等待对方的 FIN（半关闭）",
  "CLOSE-WAIT": "关闭等待：对方已不再发送，等待本方应用程序关闭",
  "CLOSING": "双方同时关闭：两个 FIN 交错而过，等待自己的 FIN 被确认",
  "LAST-ACK": "最后确认：在对方之后发出 FIN，等待最后一个确认",
  "TIME-WAIT": "时间等待：等待一段时间（RFC 中为 2MSL，Linux 为 60 秒），让旧报文段消失，并能重发丢失的最后一个确认",
};

export const reasons = {
  "app-listen": "应用程序打开了一个监听套接字（被动打开）。",
  "app-connect": "应用程序调用 connect（主动打开）：发送携带自己初始序号的 SYN 报文段。",
  "app-close": "应用程序关闭了本方：在已排队的数据之后发送 FIN。",
  "listener-remains": "这个连接被删除了，但接受它的监听套接字从未关闭：它仍处于 LISTEN，下一个 SYN 会开始一个新连接。",
  "syn-in-listen": "SYN 到达监听中的套接字：服务器记下客户端的初始序号，并用带有自己初始序号的 SYN,ACK 回应。",
  "syn-ack-received": "对方确认了本方的 SYN，并发来自己的 SYN：连接已建立。",
  "handshake-ack": "第三个报文段确认服务器的 SYN，证实这正是客户端请求的连接。",
  "handshake-acked": "这个 ACK 确认了本方的 SYN：握手完成。",
  "data": "应用数据：连接和对方的窗口一允许就发送。",
  "ack": "确认已收到的数据：确认号 = 期望收到的下一个序号。",
  "fin": "FIN：本方已没有数据要发送。FIN 占用一个序号。",
  "fin-acked": "本方的 FIN 已被确认。",
  "fin-received": "收到对方的 FIN：对方不再发送数据，但本方仍可以继续发送（半关闭）。",
  "fin-received-fin-wait-2": "本方的 FIN 被确认后又收到对方的 FIN：确认它，并进入 TIME-WAIT 等待。",
  "last-ack-acked": "最后一个 ACK 确认了本方的 FIN：连接关闭。",
  "time-wait-expired": "TIME-WAIT 结束（RFC 中为 2MSL，Linux 固定为 60 秒）：这个连接的旧报文段已有足够时间从网络中消失。",
};

export const facts = {
  "established": "双方在同一个连接上都处于 ESTABLISHED。",
  "closed": "双方都正常关闭了连接。",
};

export const scenarios = {
  "three-way-handshake": ["三次握手", "SYN、SYN,ACK、ACK：双方各自发出初始序号，并看到它被对方确认。"],
  "four-way-teardown": ["四次挥手", "两个方向分别关闭：一个方向 FIN 和 ACK，另一个方向再 FIN 和 ACK。先关闭的一方在 TIME-WAIT 中等待。"],
  "full-lifecycle": ["一个完整的连接", "握手、一次 HTTP 请求和响应，然后关闭。"],
  "old-duplicate-syn": ["已失效的连接请求报文段", "一个旧连接的 SYN 迟迟才到。三次握手时，服务器要等自己的初始序号得到确认才投入资源，这个过期的 SYN 至多让它留下一个半连接；两次握手时，它却把一个没人请求的连接交给了应用程序。"],
  "four-way-handshake": ["为什么不是四次握手？", "服务器把对 SYN 的确认和自己的 SYN 分开发送：也能建立连接，但这两者本可以放在同一个报文段里。"],
  "syn-lost": ["SYN 丢失", "迟迟没有回应，客户端的重传计时器（起初 1 秒）超时后重传 SYN，初始序号不变。"],
  "syn-ack-lost": ["SYN,ACK 丢失", "客户端重传 SYN；服务器看到重复的 SYN，再次回应 SYN,ACK。"],
  "final-ack-lost": ["最后的 ACK 丢失：为什么需要 TIME-WAIT", "服务器没收到对其 FIN 的确认，于是重传 FIN。仍处于 TIME-WAIT 的客户端可以再确认一次。"],
  "simultaneous-open": ["同时打开", "双方在同一时刻发出 SYN，都经过 SYN-RECEIVED，最终建立同一个连接。"],
  "simultaneous-close": ["同时关闭", "两个 FIN 在途中交错：双方都经过 CLOSING，并都在 TIME-WAIT 中等待。"],
  "three-segment-teardown": ["三个报文段完成挥手", "Linux 常见的关闭方式：对第一个 FIN 的确认被延迟，捎带在第二个 FIN 上。"],
  "half-close": ["半关闭", "客户端发完数据后关闭自己的发送方向；服务器继续发送，直到它也发完。"],
  "connection-refused": ["连接被拒绝", "端口上没有进程监听：SYN 得到的回应是 RST,ACK。"],
  "half-open": ["发现半开连接", "客户端崩溃后重新连接；服务器仍保持着旧连接，对新的 SYN 回以挑战 ACK，客户端的 RST 清除了旧连接。"],
  "connect-timeout": ["连接超时", "防火墙默默丢弃每一个 SYN：客户端以加倍的超时时间（1、2、4、8 秒）重试，15 秒后放弃，因为本场景只允许重试 3 次。真实的协议栈会坚持得久得多：Linux 约 2 分钟，RFC 9293 要求至少 3 分钟。"],
};

export const customTitle = "自定义场景";

export const appErrors = {
  "error: connection already exists": "错误：连接已存在",
  "error: connection does not exist": "错误：连接不存在",
  "error: connection closing": "错误：连接正在关闭",
};

export const marks = {
  call: (name) => `${name}()`,
  crash: "主机崩溃",
  reset: "被复位",
  refused: "被拒绝",
  "timed-out": "超时",
  error: "错误",
  retransmission: "重传超时",
  "time-wait": "TIME-WAIT 结束",
  "fin-wait-2": "tcp_fin_timeout 到",
  "delayed-ack": "延迟确认",
  ignores: (id) => `忽略 #${id}`,
  takes: (id) => `接收 #${id}`,
};

export const who = { client: "客户端", server: "服务器" };

export const say = {
  why: (text, rfc) => `${text}${rfc ? `（${rfc}）` : ""}`,
  join: (parts) => parts.join(""),
  send: (w, seg, why) => `${w}发送 ${seg}。${why}`,
  sendStale: (w, seg, why) => `${w}发送 ${seg}：一个已失效的旧报文段。${why}`,
  sendAgain: (w, seg, why) => `${w}重传 ${seg}。${why}`,
  deliver: (flags, id, side) => `${flags} #${id} 到达${side}。`,
  lost: (id) => `网络丢失了 #${id}。`,
  lostScripted: (id) => `#${id} 在网络中丢失。`,
  duplicate: (id, copy) => `网络复制了 #${id}，副本是 #${copy}。`,
  state: (w, from, to, why) => `${w}：${from} → ${to}。${why}`,
  discard: (w, id, why) => `${w}丢弃 #${id}。${why}`,
  accept: (w, id, why) => `${w}接收 #${id}。${why}`,
  timer: (w, timer) => `${w}的${timer}计时器超时。`,
  timerName: { retransmission: "重传", "time-wait": "TIME-WAIT ", "delayed-ack": "延迟确认", "fin-wait-2": "FIN-WAIT-2 ", keepalive: "保活", persist: "坚持" },
  appSend: (w, len, text) => `${w}的应用程序发送 ${len} 字节${text ? `：“${text}”` : ""}。`,
  appCall: (w, name) => `${w}的应用程序调用 ${name}()。`,
  crash: (w) => `${w}主机崩溃（不是应用程序的调用，也不发任何报文段：机器就这样停了）。`,
  received: (w, len) => `${w}的应用程序读到 ${len} 字节。`,
  "peer-closed": (w) => `${w}的应用程序读到对方数据的结尾。`,
  reset: (w) => `${w}的应用程序得知：连接被复位。`,
  refused: (w) => `${w}的应用程序得知：连接被拒绝。`,
  "timed-out": (w) => `${w}的应用程序得知：连接超时。`,
  error: (w, message) => `${w}的调用失败：${message}。`,
};
