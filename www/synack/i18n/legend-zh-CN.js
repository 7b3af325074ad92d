// 图例（legend.js）的中文文字：读者展开图例时才加载。
export const legend = {
  segment: "报文段：编号、标志位、序号和确认号（客户端为蓝色，服务器为绿色）",
  retransmission: "虚线：再次发送（重传）",
  stale: "橙色：来自更早连接的旧重复报文段",
  rst: "红色：复位（RST）",
  lost: "灰色、末端为 ✕：在网络中丢失",
  click: "在箭头传输途中点击（或轻触）它，就能让这个报文段丢失，看看 TCP 如何恢复。",
  inspect: "点击（或轻触）已到达的箭头或任何标签，查看该报文段的 TCP 首部。",
  ssName: (name) => `（ss 显示为 ${name}）`,
};
