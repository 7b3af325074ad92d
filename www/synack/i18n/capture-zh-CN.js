// 录制连接（<synack-viz capture="…">）的文字，单独成块：只有显示抓包的页面才会加载
// （i18n.js 的 captureStrings）。

/** 录制的连接（<synack-viz capture="…">，以及页面上的文件选择）。 */
export const capture = {
  title: (client, server) => `抓包：${client} → ${server}`,
  which: (n, count, client, server) => `第 ${n} 条连接（共 ${count} 条）：客户端 ${client}，服务器 ${server}。`,
  window: (shown, total) => `该连接共有 ${total} 个报文段，这里只画出前 ${shown} 个，其余 ${total - shown} 个未显示。`,
  slant: (rttMs) => `时间是抓包点看到各报文段的时刻。箭头的倾斜取握手中测得的往返时间的一半（${rttMs} 毫秒，从得到应答的 SYN 到完成握手的 ACK）；报文段何时到达对方是推断的，双方的状态也是推断的。`,
  slantNominal: "时间是抓包点看到各报文段的时刻。抓包中没有完整的握手可供测量往返时间，所以箭头的倾斜只是示意；到达时刻和状态都是推断的。",
  notes: (n) => `读取说明（${n} 条，英文）`,
  begin: "一条录制的连接：报文段是抓包看到的样子，双方的状态由 synack 根据各方发送的内容推断。",
  end: (client, server) => `显示的最后一个报文段之后：客户端 ${client}，服务器 ${server}（推断）。`,
  reading: (name, done, total) => `正在读取 ${name}：${done} MB${total === null ? "" : ` / ${total} MB`}…`,
  relativeNote: "相对序号（与 Wireshark 的显示相同）",
  progressLabel: "抓包文件已读取的部分",
  say: {
    send: (w, seg, frame) => `抓包显示${w}发送了 ${seg}（第 ${frame} 帧）。`,
    sendAgain: (w, seg, frame) => `抓包显示${w}再次发送了 ${seg}：这是一次重传（第 ${frame} 帧）。`,
    deliver: (flags, id, side) => `${flags} #${id} 到达${side}（推断）。`,
    lost: (id) => `从后续报文看，#${id} 没有到达接收方。`,
    state: (w, from, to, why) => `${w}：${from} → ${to}（推断）。${why}`,
  },
  errors: {
    empty: (name) => `${name} 是空文件；需要 pcap 或 pcapng 抓包文件。`,
    notCapture: (name) => `${name} 不是 pcap 或 pcapng 抓包文件。`,
    truncated: (name, at) => `${name} 不完整：文件在第 ${at} 字节开始的记录中间结束。`,
    malformed: (name, detail) => `synack 无法读取抓包文件 ${name}：${detail}。`,
    tooLarge: (name, mib) => `${name} 超过 ${mib} MiB，超出本页面能读取的大小。`,
    noTcp: (name, frames) => frames === 0 ? `${name} 中没有任何数据包。` : `${name} 的 ${frames} 个数据包中没有 TCP 报文段。`,
    noConnection: (count) => `没有这条连接：该抓包共有 ${count} 条连接（connection="1" 到 "${count}"）。`,
    connection: (v) => `connection="${v}" 必须是从 1 开始的整数`,
    limit: (v) => `capture-limit="${v}" 必须是 1 到 4096 之间的整数（单位 MiB）`,
    http: (name, status) => `无法获取 ${name}：服务器返回 ${status}。`,
    fetch: (name, message) => `无法获取 ${name}：${message}。`,
    crashed: (name) => `读取 ${name} 时，抓包读取器因内部错误而停止：这是 synack 的缺陷，或超出了本页可用的内存（详情见浏览器控制台）。`,
    worker: (message) => `无法启动抓包读取器（${message}）。抓包功能需要 synack/ 文件夹版本，单文件的 synack-embed.js 不支持。`,
    other: (message) => `无法读取抓包文件：${message}。`,
  },
};
